"""Everything that speaks to Statistics Norway: queries, the HTTP client, decoding, the raw store."""

from samfunn_data.ssb.api import StaleDataWarning, fetch, get, stored
from samfunn_data.ssb.jsonstat import decode_jsonstat
from samfunn_data.ssb.query import Query, Selection

__all__ = ["Query", "Selection", "StaleDataWarning", "decode_jsonstat", "fetch", "get", "stored"]
