"""The bench/ API (see bench/README.md) in pure Python."""
import math


def noop():
    """Do nothing, return None."""


def add_ints(a, b):
    """a + b (no 64-bit overflow check: Python ints are unbounded)."""
    return a + b


def add_ints_po(a, b, /):
    """add_ints with positional-only parameters (extra row)."""
    return a + b


def add_kw(a, b=0):
    """a + b, b optional."""
    return a + b


def varargs(*args):
    """len(args)."""
    return len(args)


def make_tuple(a, b, c):
    """The tuple (a, b, c)."""
    return (a, b, c)


def sum_list(lst):
    """The sum of a list of floats, with an explicit loop."""
    total = 0.0
    for v in lst:
        total += v
    return total


class Point:
    """A 2-D point with float attributes x and y."""

    __slots__ = ("x", "y")

    def __init__(self, x, y):
        self.x = float(x)
        self.y = float(y)

    def norm(self):
        """sqrt(x*x + y*y)."""
        return math.sqrt(self.x * self.x + self.y * self.y)
