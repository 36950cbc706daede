"""piconumpy (the examples/piconumpy API) in pure Python: a list of floats in a slotted class."""


def _float(x):
    if isinstance(x, (int, float)):
        return float(x)
    raise TypeError(f"must be real number, not {type(x).__name__}")


class array:
    """A one-dimensional array of floats."""

    __slots__ = ("data",)

    def __init__(self, data):
        if not isinstance(data, list):
            raise TypeError("parameter must be a list")
        self.data = [_float(x) for x in data]

    @classmethod
    def _of(cls, values):
        a = cls.__new__(cls)
        a.data = values
        return a

    @property
    def size(self):
        """The number of elements."""
        return len(self.data)

    def tolist(self):
        """A new list of the elements."""
        return list(self.data)

    def __len__(self):
        return len(self.data)

    def __getitem__(self, i):
        try:
            return self.data[i]
        except IndexError:
            raise IndexError("index out of range") from None

    def __setitem__(self, i, value):
        value = _float(value)
        try:
            self.data[i] = value
        except IndexError:
            raise IndexError("index out of range") from None

    def __mul__(self, n):
        if not isinstance(n, (int, float)):
            return NotImplemented
        return array._of([x * n for x in self.data])

    def __rmul__(self, n):
        if not isinstance(n, (int, float)):
            return NotImplemented
        return array._of([n * x for x in self.data])

    def __truediv__(self, n):
        if not isinstance(n, (int, float)):
            return NotImplemented
        return array._of([x / n for x in self.data])

    def __add__(self, other):
        if not isinstance(other, array):
            return NotImplemented
        if len(other.data) != len(self.data):
            raise ValueError("arrays must have the same size")
        return array._of([a + b for a, b in zip(self.data, other.data)])

    def __repr__(self):
        return f"array({self.data!r})"


def empty(n):
    """An array of n elements (zeros here)."""
    return zeros(n)


def zeros(n):
    """An array of n zeros."""
    if n < 0:
        raise ValueError("negative dimensions are not allowed")
    return array._of([0.0] * n)
