"""Learned models as data files: how they are written, checked and loaded.

A model folder (shipped in ``kg/data/models``; written by ``kg train``) holds

- ``meta.json`` — format, :data:`~kg.extract.learn.features.FEATURE_VERSION`,
  fingerprints of the lexicon and the ontology it was trained with, the
  training data fingerprint, parameters, decision thresholds and the scores
  measured at training time;
- ``spans.crfsuite`` — the span tagger (crfsuite's own binary format);
- ``entities.lgb``/``relations.lgb`` — LightGBM boosters in LightGBM's text
  format, with ``*.features.json`` naming their columns.

Nothing is unpickled: a model file cannot run code. A folder trained for
another feature version, lexicon or ontology is refused with a
:class:`~kg.errors.ModelError` that says to run ``kg train``.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from kg.errors import ModelError
from kg.extract.learn.features import FEATURE_VERSION
from kg.extract.learn.spans import SpanTagger
from kg.resources import data_dir, package_data

__all__ = ["FORMAT", "Models", "Scorer", "default_model_dir", "extractor_fingerprint", "load_models"]

#: version of the folder layout and meta.json
FORMAT = 1
SPANS_FILE = "spans.crfsuite"
META_FILE = "meta.json"


def default_model_dir() -> Path:
    """The models shipped with kg."""
    return package_data("models")


def _schema_fingerprint(name: str) -> str:
    data = tomllib.loads((data_dir("schemas") / name).read_text(encoding="utf-8"))
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()[:16]


@lru_cache(maxsize=1)
def extractor_fingerprint() -> dict[str, Any]:
    """What a model must have been trained with to be loaded: feature version, lexicon, ontology."""
    return {
        "feature_version": FEATURE_VERSION,
        "lexicon": _schema_fingerprint("lexicon.toml"),
        "ontology": _schema_fingerprint("ontology.toml"),
    }


@dataclass
class Scorer:
    """A LightGBM booster over named sparse features, with a decision threshold per label."""

    columns: dict[str, int]
    booster: Any  # lightgbm.Booster
    thresholds: dict[str, float]
    default_threshold: float = 0.5
    passthrough: frozenset[str] = frozenset()  # labels whose rule decisions are kept as they are

    def probabilities(self, rows: Sequence[Mapping[str, float] | Iterable[tuple[str, float]]]):
        """The positive-class probability of every row (a numpy array).

        A row is a mapping of feature names to values, or (name, value) pairs whose names are distinct.
        """
        get = self.live_columns.get
        indices: list[int] = []
        data: list[float] = []
        indptr = [0]
        for row in rows:
            for name, value in (row.items() if isinstance(row, Mapping) else row):
                col = get(name)
                if col is not None:
                    indices.append(col)
                    data.append(value)
            indptr.append(len(indices))
        return self.predict_rows(data, indices, indptr)

    @cached_property
    def live_columns(self) -> dict[str, int]:
        """The columns some tree of the booster splits on: a row's value in any other column cannot change
        a probability, so scoring looks up only these (a few hundred of thousands) and builds smaller matrices."""
        used = self.booster.feature_importance("split")
        return {name: i for name, i in self.columns.items() if used[i] > 0}

    def predict_rows(self, data: Sequence[float], indices: Sequence[int], indptr: Sequence[int]):
        """The positive-class probability of every row of a sparse matrix given as CSR parts (a numpy array)."""
        import numpy as np  # lazy: numpy comes with lightgbm, only the learned extractor needs it
        from scipy.sparse import csr_matrix

        if len(indptr) <= 1:
            return np.zeros(0)
        matrix = csr_matrix((np.asarray(data, dtype=np.float64), np.asarray(indices, dtype=np.int32),
                             np.asarray(indptr, dtype=np.int64)), shape=(len(indptr) - 1, len(self.columns)))
        return self.booster.predict(matrix, num_threads=1)

    def threshold(self, label: str) -> float:
        return self.thresholds.get(label, self.default_threshold)

    def write(self, folder: Path, name: str) -> None:
        columns = sorted(self.columns, key=self.columns.__getitem__)
        (folder / f"{name}.features.json").write_text(json.dumps(columns, ensure_ascii=False, indent=0) + "\n",
                                                       encoding="utf-8")
        self.booster.save_model(str(folder / f"{name}.lgb"), num_iteration=-1)

    @classmethod
    def read(cls, folder: Path, name: str, thresholds: dict[str, float], default: float,
             passthrough: frozenset[str] = frozenset()) -> Scorer:
        lightgbm = _lightgbm()
        columns = json.loads((folder / f"{name}.features.json").read_text(encoding="utf-8"))
        booster = lightgbm.Booster(model_file=str(folder / f"{name}.lgb"))
        if booster.num_feature() != len(columns):
            raise ModelError(f"{folder / name}.lgb expects {booster.num_feature()} features but "
                             f"{name}.features.json names {len(columns)}; run `kg train` to rebuild the models")
        return cls(columns={c: i for i, c in enumerate(columns)}, booster=booster, thresholds=thresholds,
                   default_threshold=default, passthrough=passthrough)


#: optional front ends lightgbm imports when they are installed, and kg never hands it
_LIGHTGBM_EXTRAS = ("sklearn", "pandas")


def _lightgbm() -> Any:
    """lightgbm (lazy: only the learned extractor needs it), without its scikit-learn and pandas front ends.

    kg predicts with a Booster from scipy matrices (and trains on them); when
    scikit-learn or pandas is installed, lightgbm imports it all the same
    (scikit-learn brings SciPy's statistics), which costs seconds at the start
    of every process that extracts (pandas alone about 0.6 s of CPU). So the
    import hides each of them unless something loaded it already; a later
    ``import sklearn`` or ``import pandas`` works as usual (lightgbm then takes
    no DataFrame in that process: kg gives it none).
    """
    import sys

    hidden = [name for name in _LIGHTGBM_EXTRAS if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # import machinery: "not installed"
    try:
        import lightgbm
    finally:
        for name in hidden:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]
    return lightgbm


@dataclass
class Models:
    """Everything the learned extractor loads: span tagger, entity scorer, relation scorer."""

    folder: Path
    meta: dict[str, Any]
    spans: SpanTagger
    entities: Scorer
    relations: Scorer


def read_meta(folder: Path) -> dict[str, Any]:
    path = Path(folder) / META_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ModelError(f"no learned models in {folder} ({META_FILE} is missing); run `kg train` to make them, "
                         "or use `--extractor rules`") from exc
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read {path}: {exc}; run `kg train` to rebuild the models") from exc


def check_meta(meta: Mapping[str, Any], folder: Path) -> None:
    """Refuse models of another format, feature version, lexicon or ontology."""
    if meta.get("format") != FORMAT:
        raise ModelError(f"the models in {folder} have format {meta.get('format')!r}, this kg reads format {FORMAT}; "
                         "run `kg train` to rebuild them")
    want = extractor_fingerprint()
    trained = meta.get("extractor", {})
    wrong = [k for k in want if trained.get(k) != want[k]]
    if wrong:
        raise ModelError(f"the models in {folder} were trained for another {', '.join(wrong)} "
                         f"(trained {', '.join(f'{k}={trained.get(k)}' for k in wrong)}; "
                         f"now {', '.join(f'{k}={want[k]}' for k in wrong)}); run `kg train` to retrain them")


def load_models(folder: Path | None = None) -> Models:
    """Load and check a model folder (the shipped models by default)."""
    folder = Path(folder) if folder is not None else default_model_dir()
    return _load(folder.resolve())


@lru_cache(maxsize=4)
def _load(folder: Path) -> Models:
    meta = read_meta(folder)
    check_meta(meta, folder)
    thresholds = meta.get("thresholds", {})
    passthrough = meta.get("rule_passthrough", {})
    try:
        return Models(
            folder=folder,
            meta=meta,
            spans=SpanTagger(folder / SPANS_FILE),
            entities=Scorer.read(folder, "entities", thresholds.get("entities", {}), thresholds.get("entity_default", 0.5),
                                 frozenset(passthrough.get("entities", ()))),
            relations=Scorer.read(folder, "relations", thresholds.get("relations", {}),
                                  thresholds.get("relation_default", 0.5), frozenset(passthrough.get("relations", ()))),
        )
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot load the models in {folder}: {exc}; run `kg train` to rebuild them") from exc
