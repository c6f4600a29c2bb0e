"""Extraction: documents → entity mentions → canonical names → evidence-carrying triples → one graph.

The stages, one module each, in the order they run: ``reader`` (files →
documents), ``clean`` (cleaned view + offset map), ``segment`` (articles,
sentences), ``mentions/`` (entity mentions, one module per family),
``resolve`` (canonical names per article), ``relations`` (triple rules);
``extractors`` runs them on one document, ``pipeline`` and ``parallel`` over
many, and ``assemble`` merges extraction results into one
:class:`~kg.models.GraphData`. ``lexicon`` and ``regions`` hold the general
vocabulary and the administrative divisions that every stage reads.
"""
