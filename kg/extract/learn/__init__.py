"""Learned extraction: a span tagger and two boosters trained on gold, deciding over the rules' candidates.

``spans`` (a character CRF that proposes mention spans), ``instances``
(mentions, entity candidates, relation instances of a document), ``features``
(named feature functions, two tables), ``model`` (model files: written,
checked, loaded), ``decide`` (the learned extractor), ``train`` (``kg train``)
and ``cv`` (``kg eval --cv``: document-level cross-validation beside the
rules-only baseline).
"""
