"""The CASE readers never crash on odd input: they return a package or a CaseImportError."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from masterypath.interop.case.errors import CaseImportError
from masterypath.interop.case.parser import parse

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "CFDocument",
                    "CFItems",
                    "CFAssociations",
                    "identifier",
                    "title",
                    "fullStatement",
                    "associationType",
                    "originNodeURI",
                    "destinationNodeURI",
                    "educationLevel",
                    "subject",
                    "uri",
                    "CFItemType",
                    "sequenceNumber",
                ]
            )
            | st.text(max_size=8),
            children,
            max_size=6,
        )
    ),
    max_leaves=30,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=json_values, strict=st.booleans())
def test_json_parser_never_crashes(value: object, strict: bool) -> None:
    data = json.dumps(value).encode()
    try:
        parse("fuzz.json", data, strict=strict)
    except CaseImportError as error:
        assert error.problems  # noqa: PT017 - any input is fine; a crash is not


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=300), strict=st.booleans())
def test_csv_and_json_parsers_never_crash_on_bytes(data: bytes, strict: bool) -> None:
    for name in ("fuzz.json", "fuzz.csv"):
        try:
            parse(name, data, strict=strict)
        except CaseImportError as error:
            assert error.problems  # noqa: PT017
