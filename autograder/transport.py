"""Plain values across the sandbox boundary: JSON with arrays as base64 bytes, no pickle.

Numbers keep their kind: booleans, integers (64-bit) and floats, alone or in arrays. encode runs
where student code ran and accepts only exact plain types; decode runs in the grader and trusts
nothing: it checks every key, type, dtype, shape and size.
"""
from __future__ import annotations

import base64
import json
import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Mapping

MAX_ITEMS = 16                # values in one returned tuple or list
MAX_ELEMENTS = 1 << 16        # elements in one array
_NUMBER_TYPES = (float, int, np.floating, np.integer)
_INT64 = (-2**63, 2**63)
_DTYPES = {"float64": np.float64, "int64": np.int64, "bool": np.bool_}   # name -> numpy type


class Unsupported:
    """Stands for a returned value of a type the grader does not accept (its type's name)."""

    def __init__(self, type_name: object) -> None:
        self.type_name = str(type_name)[:60]

    def __repr__(self) -> str:
        return f"a {self.type_name}"


def encode(value: object, nested: bool = False) -> dict:
    """A JSON-ready form of a returned value: None, a number, a numeric array, or (not nested)
    a tuple or list of those. Anything else is recorded by its type name only."""
    kind = type(value)
    if value is None:
        return {"none": True}
    if kind is bool or kind is np.bool_:
        return {"bool": bool(value)}
    if kind is int or (isinstance(value, np.integer) and kind.__module__ == "numpy"):
        number = int(value)
        return {"int": number} if _INT64[0] <= number < _INT64[1] else _float(number)
    if kind is float or (isinstance(value, np.floating) and kind.__module__ == "numpy"):
        return {"number": float(value)}
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        return _encode_array(np.array(value, dtype=_array_type(value)))
    if kind in (tuple, list) and len(value) <= MAX_ITEMS:
        if not nested:
            return {kind.__name__: [encode(item, nested=True) for item in value]}
        if all(type(item) in (float, int) for item in value):
            return _encode_array(np.array(value, dtype=np.float64))
    return {"unsupported": kind.__name__[:60]}


def _float(number):
    try:
        return {"number": float(number)}
    except OverflowError:
        return {"unsupported": "int too large for a float"}


def _array_type(array):
    """The type an array travels as: bool, int64 when its integers fit, else float64."""
    if array.dtype.kind == "b":
        return np.bool_
    if array.dtype.kind in "iu" and (array.size == 0 or (
            int(array.min()) >= _INT64[0] and int(array.max()) < _INT64[1])):
        return np.int64
    return np.float64


def _encode_array(array):
    if array.size > MAX_ELEMENTS:
        return {"unsupported": f"array of {array.size} elements"}
    return {"array": {"shape": list(array.shape), "dtype": array.dtype.name,
                      "data": base64.b64encode(array.tobytes()).decode("ascii")}}


def encode_case(case: Mapping[str, object]) -> dict[str, dict]:
    """A case (dict name -> float, list or array) for the child; arrays keep their shape."""
    return {name: encode(value, nested=True) for name, value in case.items()}


class TransportError(ValueError):
    """Something that crossed the boundary is not of the agreed form."""


def decode(message: object,
           nested: bool = False) -> bool | int | float | np.ndarray | tuple | list | Unsupported | None:
    """The value that encode described, rebuilt from plain parts; raises TransportError."""
    if not isinstance(message, dict) or len(message) != 1:
        raise TransportError("a value must be an object with one key")
    (key, body), = message.items()
    if key == "none" and body is True:
        return None
    if key == "number" and type(body) in (float, int):
        return float(body)
    if key == "int" and type(body) is int and _INT64[0] <= body < _INT64[1]:
        return body
    if key == "bool" and type(body) is bool:
        return body
    if key == "array" and isinstance(body, dict):
        return _decode_array(body)
    if key in ("tuple", "list") and not nested and isinstance(body, list) and len(body) <= MAX_ITEMS:
        items = [decode(item, nested=True) for item in body]
        return tuple(items) if key == "tuple" else items
    if key == "unsupported" and isinstance(body, str):
        return Unsupported(body)
    raise TransportError(f"unexpected value of kind {key[:20]!r}")


def decode_case(message: object) -> dict[str, object]:
    """The case a child received, as a dict name -> float or array."""
    if not isinstance(message, dict):
        raise TransportError("a case must be an object")
    return {str(name): decode(value, nested=True) for name, value in message.items()}


def _decode_array(body):
    shape, data, dtype = body.get("shape"), body.get("data"), body.get("dtype", "float64")
    if (not {"shape", "data"} <= set(body) <= {"shape", "data", "dtype"}
            or not isinstance(shape, list) or len(shape) > 4
            or not all(type(n) is int and 0 <= n <= MAX_ELEMENTS for n in shape)
            or not isinstance(data, str) or dtype not in _DTYPES):
        raise TransportError("malformed array")
    size = math.prod(shape)
    if size > MAX_ELEMENTS:
        raise TransportError("array too large")
    try:
        raw = base64.b64decode(data, validate=True)
    except ValueError as error:
        raise TransportError("array data is not base64") from error
    kind = np.dtype(_DTYPES[dtype])
    if len(raw) != kind.itemsize * size:
        raise TransportError("array data does not match its shape")
    return np.frombuffer(raw, dtype=kind).reshape(shape).copy()


def dumps(message: dict) -> bytes:
    """One message as a line of JSON (bytes)."""
    return (json.dumps(message, allow_nan=True) + "\n").encode()
