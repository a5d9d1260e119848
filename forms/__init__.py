"""Conversational form filling: the declarations (tờ khai) citizens fill in with the assistant.

* ``definitions/*.yml``: one file per form (fields in the official template's order, prompts, types);
  ``choices.yml``: the lists choice fields map to; ``cues.yml``: how citizens name fields in a message;
  ``responses.yml``: what the forms say (``utter_form_*`` domain responses).
* ``parsers``: names, dates, identification numbers, phones, e-mail, addresses, choices.
* ``engine``: one citizen message -> slot updates and replies (Rasa-independent).
* ``output``: summary, PDF (fpdf2 + DejaVu from matplotlib), JSON, SMS text.
* ``domain``: generates ``bot/domain/forms.yml`` from the definitions and ``responses.yml``.
"""
