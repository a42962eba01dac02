"""The inclusion pages (全纳教育)."""
