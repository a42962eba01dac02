"""The publicity pages (``urls.py``)."""
