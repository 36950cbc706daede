# Built by bench/run.py from a copy in bench/_build/: `python setup.py --hpy-abi=universal|cpython build_ext --inplace`.
from setuptools import setup, Extension

setup(
    name="bench_chpy",
    version="0.0.0",
    setup_requires=["hpy"],
    py_modules=[],  # no package auto-discovery (the universal build writes stub .py files here)
    hpy_ext_modules=[
        Extension("bench_chpy", sources=["bench_chpy.c"]),
        Extension("piconumpy_chpy", sources=["piconumpy_chpy.c"]),
    ],
)
