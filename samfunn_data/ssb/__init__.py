"""Everything that speaks to Statistics Norway: queries, the HTTP client, decoding, the raw store."""

from samfunn_data.ssb.jsonstat import decode_jsonstat

__all__ = ["decode_jsonstat"]
