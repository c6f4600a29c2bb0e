"""Benchmarks (``kg bench extract|load|queries``) and the synthetic graphs they measure on.

``extract`` (jieba and the pipeline on the same corpus, 1..N workers),
``load`` (the batched Neo4j loader against row-by-row MERGE and the server's
bare-create ceiling), ``queries`` (every saved query on both engines) and
``synth`` (a generated graph with the degrees of real news). Nothing here
asserts a time: every number is measured in the run that prints it.
"""
