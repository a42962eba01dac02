"""Pages of student aid, one module per part: the term and its cycle (``terms``), schools and their lists
(``schools``), students' explanations and the gaps (``students``), policy packs (``packs``) and the ledger
(``ledger``). Thin: parse input, call one action or selector, render. ``access`` says who may use them.

Nothing is imported here, so that ``web.nav`` can import ``access`` without loading the views.
"""
