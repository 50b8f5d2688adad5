"""Everything that speaks to Statistics Norway: queries, the HTTP client, decoding, the raw store."""
