"""Entity mentions, one module per family, found on the cleaned view sentence by sentence.

``base`` (the :class:`~kg.extract.mentions.base.Cand` type, tokens, the name
walk), then the families: ``organisations`` (bodies by head word, known
bodies, union departments), ``people``, ``programs``, ``awards``,
``facilities``, ``enumerations``, ``places`` (regions) and ``groups``
(beneficiary classes); ``find`` runs them all and resolves overlaps.
"""
