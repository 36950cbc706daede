# Built by bench/run.py from a copy in bench/_build/, once per interpreter:
# `python setup.py build_ext --inplace` (CPython, and PyPy through cpyext).
from setuptools import setup, Extension

setup(
    name="bench_capi",
    version="0.0.0",
    py_modules=[],  # no package auto-discovery
    ext_modules=[
        Extension("bench_capi", sources=["bench_capi.c"]),
        Extension("piconumpy_capi", sources=["piconumpy_capi.c"]),
    ],
)
