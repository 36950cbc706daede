# Built by bench/run.py from a copy in bench/_build/: `python setup.py --hpy-abi=universal|cpython build_ext --inplace`.
from setuptools import setup, Extension

setup(
    name="bench_chpy",
    version="0.0.0",
    setup_requires=["hpy"],
    hpy_ext_modules=[Extension("bench_chpy", sources=["bench_chpy.c"])],
)
