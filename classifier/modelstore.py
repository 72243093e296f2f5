"""Models on disk: a directory with the scorer and mixing factors (`model.npz`), the analyzer's
tokenizer and lemmas, and `manifest.json` holding versions, SHA-256 digests, hyper-parameters and
evaluation figures. Loading refuses a file whose digest differs from the manifest's and warns
when the libraries differ from those the model was trained with.
"""
from __future__ import annotations

import hashlib
import json
import sys
import warnings
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np

from .combine import FAMILIES, Mixing
from .errors import ModelError, OutputError
from .nlp import LEMMAS_FILE, TOKENIZER_FILE, Analyzer
from .scorer import LinearTermScorer

MODEL_FILE = "model.npz"
MODEL_FORMAT = 4  # 4: the TF-IDF norm's power (3: five families and priors; 2: four families, offsets always on; 1: term strings)
MANIFEST_FILE = "manifest.json"
CHECKED_FILES = (MODEL_FILE, TOKENIZER_FILE, LEMMAS_FILE)
TRACKED_LIBRARIES = ("scikit-learn", "spacy", "spacy-lookups-data", "numpy")


class VersionMismatchWarning(UserWarning):
    """The model was trained with other library versions than those installed."""


@dataclass
class StoredModel:
    analyzer: Analyzer
    scorer: LinearTermScorer
    mixing: Mixing
    manifest: dict
    directory: Path

    def rules_only_mixing(self) -> Mixing:
        """The factors fitted for the rules alone, for evaluation."""
        with np.load(self.directory / MODEL_FILE, allow_pickle=False) as data:
            return Mixing.from_array(data["rules_only_mixing"])


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    found = {"python": sys.version.split()[0]}
    for name in TRACKED_LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def model_version(manifest: dict) -> str:
    """The training date and a digest of the weights and the rules they were fitted with: two models
    that read any posting differently (a weight or a rule apart) never share a version."""
    fitted = manifest["files"][MODEL_FILE] + manifest.get("rules", {}).get("sha256", "")
    return f"{manifest['created'][:10].replace('-', '.')}-{hashlib.sha256(fitted.encode()).hexdigest()[:8]}"


def save_model(directory: Path, analyzer: Analyzer, scorer: LinearTermScorer, mixing: Mixing, manifest: dict,
               rules_mixing: Mixing) -> dict:
    """Write a model directory; `manifest` gives the facts only the caller knows (data, evaluation…).
    `rules_mixing`, the factors of the rules alone, serves evaluation. A directory that cannot be
    written (read-only, a full disk, a file in the way) raises OutputError."""
    try:
        return _write_model(directory, analyzer, scorer, mixing, manifest, rules_mixing)
    except OSError as error:
        raise OutputError(f"{directory}: cannot write the model: {error.strerror or error}") from None


def _write_model(directory: Path, analyzer: Analyzer, scorer: LinearTermScorer, mixing: Mixing, manifest: dict,
                 rules_mixing: Mixing) -> dict:
    directory.mkdir(parents=True, exist_ok=True)
    arrays = {"mixing": mixing.as_array(), "rules_only_mixing": rules_mixing.as_array(), **scorer.to_arrays()}
    with open(directory / MODEL_FILE, "wb") as handle:
        np.savez(handle, **arrays)  # uncompressed: loads faster
    analyzer.save(directory)
    full = {
        "format": MODEL_FORMAT,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "libraries": library_versions(),
        "classes": scorer.classes,
        "mixing": mixing.to_dict(),
        "rules_only_mixing": rules_mixing.to_dict(),
        **manifest,
        "files": {name: sha256_of(directory / name) for name in CHECKED_FILES},
    }
    full.setdefault("model_version", model_version(full))
    (directory / MANIFEST_FILE).write_text(json.dumps(full, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return full


def read_manifest(directory: Path) -> dict:
    path = directory / MANIFEST_FILE
    if not directory.is_dir():
        raise ModelError(f"{directory}: model directory not found")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{path}: no manifest; not a model directory") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise ModelError(f"{path}: manifest is not valid JSON ({error})") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise ModelError(f"{path}: manifest has no 'files' digests")
    if manifest.get("format") != MODEL_FORMAT:
        raise ModelError(f"{path}: model format {manifest.get('format')!r}, this version reads format {MODEL_FORMAT}; "
                         "train the model again with classify-train")
    return manifest


def verify_files(directory: Path, manifest: dict) -> None:
    for name in CHECKED_FILES:
        path = directory / name
        expected = manifest["files"].get(name)
        if not path.is_file():
            raise ModelError(f"{path}: model file missing")
        try:
            digest = sha256_of(path)
        except OSError as error:
            raise ModelError(f"{path}: cannot read the model file: {error.strerror or error}") from None
        if digest != expected:
            raise ModelError(f"{path}: SHA-256 differs from the manifest; the model file is corrupt or was changed, refusing to load it")


def check_versions(manifest: dict) -> None:
    trained = manifest.get("libraries", {})
    installed = library_versions()
    differ = [f"{name} {trained[name]} (now {installed[name]})" for name in TRACKED_LIBRARIES
              if name in trained and trained[name] != installed[name]]
    if differ:
        warnings.warn("model trained with " + ", ".join(differ) + "; results may differ", VersionMismatchWarning,
                      stacklevel=3)


def check_arrays(data, path: Path) -> None:
    """Refuse a model file whose arrays have the wrong shapes or types, or hold NaN or infinity,
    which would give wrong or non-numeric probabilities (ModelError)."""

    def fail(problem: str):
        raise ModelError(f"{path}: {problem}; the model file is malformed, train the model again")

    def array(name: str, kinds: str, shape: tuple) -> np.ndarray:
        found = data[name]
        if found.dtype.kind not in kinds:
            fail(f"array '{name}' holds {found.dtype}, not {'text' if kinds == 'U' else 'numbers'}")
        if found.shape != shape:
            fail(f"array '{name}' has shape {found.shape}, expected {shape}")
        if found.dtype.kind == "f" and not np.isfinite(found).all():
            fail(f"array '{name}' holds NaN or infinite values")
        return found

    classes, keys, term_keys = data["classes"], data["keys"], data["term_keys"]
    if classes.ndim != 1 or keys.ndim != 1 or term_keys.ndim != 2:
        fail("arrays 'classes', 'keys' or 'term_keys' have the wrong number of dimensions")
    if len(classes) < 2:
        fail("array 'classes' names fewer than two classes")
    n_classes, n_keys, n_terms = len(classes), len(keys), len(term_keys)
    array("classes", "U", (n_classes,))
    array("keys", "U", (n_keys,))
    term_keys = array("term_keys", "iu", (n_terms, 2))
    if n_terms and not ((0 <= term_keys[:, 0]).all() and (term_keys.max() < n_keys) and (term_keys[:, 1] >= -1).all()):
        fail("array 'term_keys' points outside 'keys'")
    for name, shape in (("idf", (n_terms,)), ("coef", (n_classes, n_terms)), ("intercept", (n_classes,))):
        array(name, "fiu", shape)
    array("sublinear_tf", "biu", ())
    if not 0 < float(array("norm_power", "fiu", ())) <= 1:
        fail("array 'norm_power' is not a power between 0 and 1")
    factors = 1 + len(FAMILIES)  # the model's, then each rule family's
    for name in ("mixing", "rules_only_mixing"):
        if data[name].shape not in ((factors,), (factors + n_classes,)):
            fail(f"array '{name}' has shape {data[name].shape}, expected ({factors},) or ({factors + n_classes},)")
        array(name, "fiu", data[name].shape)


def load_model(directory: Path) -> StoredModel:
    directory = Path(directory)
    manifest = read_manifest(directory)
    verify_files(directory, manifest)
    check_versions(manifest)
    try:
        with np.load(directory / MODEL_FILE, allow_pickle=False) as data:
            check_arrays(data, directory / MODEL_FILE)
            scorer = LinearTermScorer.from_arrays(data)
            mixing = Mixing.from_array(data["mixing"])
        analyzer = Analyzer.load(directory)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError) as error:
        raise ModelError(f"{directory}: model files cannot be read ({error})") from None
    return StoredModel(analyzer, scorer, mixing, manifest, directory)
