"""The catalogue importer: a province's procedures from the national procedure database's records
(Cơ sở dữ liệu quốc gia về thủ tục hành chính) into the knowledge base, as drafts (docs/catalogue.md).

One concern a module:
  record       the neutral form every reader gives (``Record``) and a reader's error (``RecordError``)
  html_text    raw HTML of a field value -> plain text lines (stdlib ``html.parser``)
  amounts      a fee text -> an integer amount of VND, 0 (không, miễn phí) or unknown
  read_json    (a) the JSON records one-stop systems exchange (MaTTHC, TENTTHC, CACHTHUCTHUCHIEN…)
  read_html    (b) a saved procedure detail page of the national or a provincial portal
  read_xlsx    (c) the Excel list a province keeps
  mapper       a Record -> a procedure dict of docs/knowledge-schema.md
  merge        a mapped procedure with what the knowledge base already holds (officers' additions kept)
  importer     a whole file: read, map, merge, validate (``bot.knowledge.checks``), report; apply as drafts
  __main__     ``python -m catalogue import FILE [--format json|html|xlsx] [--dry-run] [--partial]``
The workspace page is ``admin/routes/catalogue.py``.
"""
