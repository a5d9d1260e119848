"""The wiring layer, at the top: the only package that joins the others together, so the only one
that may import any of them (``tests/test_layers.py``).

* ``assistant``: the run command, ``python -m launcher`` (what ``scripts/run`` starts): trains when
  the data changed, starts every process and the web chat page, stops them on Ctrl-C.
* ``notification_worker``: ``python -m launcher.notification_worker``, a notifications worker given
  the applications' texts and subscriptions.
"""
