"""Care rules as data: ``care.toml``, loaded and checked by ``notoneless.care.care_rules``."""
