"""Learned extraction: a span tagger and two boosters trained on gold, deciding over the rules' candidates.

``spans`` (a character CRF that proposes mention spans), ``instances``
(mentions, entity candidates, relation instances of a document), ``features``
(named feature functions, two tables), ``model`` (model files: written,
checked, loaded) and ``decide`` (the learned extractor). Training on gold
(``kg train``) is :mod:`kg.train`; document-level cross-validation beside the
rules-only baseline (``kg eval --cv``) is :mod:`kg.evaluate_cv`: both score
against gold, which extraction itself never reads.
"""
