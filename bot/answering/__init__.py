"""The answer path for a citizen's question, in three stages, each a module of its own:

1. understand (``bot.answering.understand``): the questions in the message, every aspect asked, the
   procedure with its qualifiers -> ``Understanding``;
2. find (``bot.answering.find``): the facts for those aspects, special cases retrieved within the
   resolved procedure, then the FAQ -> ``Findings``;
3. compose (``bot.answering.compose``): one concise reply, the asked aspects first, buttons for the rest.

``bot.answering.pipeline.answer`` runs the three on one knowledge snapshot; the Rasa actions
(``actions/procedures.py``, ``actions/faq.py``) are thin adapters over it. The types passed between the
stages are in ``bot.answering.types``; the intents of a procedure question in ``bot.answering.intents``;
``bot.answering.responses`` reads the domain's responses as text (for the composer and the form engine).
"""
