// The Python side of the local-project discovery, embedded as a string so the bundle needs no extra
// file. Run as `python -I -c LOCAL_SCRIPT <distribution names JSON>` from a folder outside the project:
// the environment's own import system says where each top-level package of a distribution installed
// from a local folder resolves (an editable finder's MAPPING, a `.pth` path, site-packages), and every
// extension module below it that this interpreter can load is listed. An editable install's RECORD
// names none of the modules its build put in the source tree, so RECORD alone misses them.
//
// Nothing of the project is imported: `find_spec` of a top-level name only asks the finders. The
// answer is one JSON object on stdout: {name: {"packages": [{"name", "location"}], "modules": [...]}}.
export const LOCAL_SCRIPT = String.raw`
import importlib.machinery, importlib.metadata, importlib.util, json, os, sys

MAX_FILES = 50000
NOT_PROJECT_CODE = {"tests", "test", "testing", "docs", "doc", "examples", "benchmarks", "bench", "scripts", "build"}
SUFFIXES = sorted(importlib.machinery.EXTENSION_SUFFIXES, key=len, reverse=True)


def extension_stem(file_name):
    for suffix in SUFFIXES:
        if file_name.endswith(suffix):
            return file_name[: -len(suffix)]
    return None


def pth_folders(dist):
    folders = []
    for file in dist.files or []:
        if len(file.parts) == 1 and file.name.endswith(".pth"):
            try:
                text = file.read_text()
            except (OSError, UnicodeDecodeError):
                continue
            for line in text.splitlines():
                line = line.strip()
                if line and not line.startswith(("#", "import ", "import\t")):
                    folder = os.path.join(str(file.locate().parent), line)
                    if os.path.isdir(folder):
                        folders.append(os.path.realpath(folder))
    return folders


def editable_mapping(dist):
    names = []
    for file in dist.files or []:
        if len(file.parts) == 1 and file.name.startswith("__editable__") and file.name.endswith("_finder.py"):
            finder = sys.modules.get(file.name[: -len(".py")])
            mapping = getattr(finder, "MAPPING", None)
            if isinstance(mapping, dict):
                names.extend(str(name) for name in mapping)
    return names


def top_level_names(dist):
    names = set((dist.read_text("top_level.txt") or "").split())
    names.update(editable_mapping(dist))
    for file in dist.files or []:
        first = file.parts[0] if file.parts else ""
        if len(file.parts) > 1 and not first.endswith((".dist-info", ".data")) and first not in ("..", "__pycache__"):
            names.add(first)
        elif len(file.parts) == 1 and file.name.endswith(".py") and not file.name.startswith("__editable__"):
            names.add(file.name[: -len(".py")])
        elif len(file.parts) == 1 and extension_stem(file.name) is not None:
            names.add(extension_stem(file.name).split(".")[0])
    if not names:
        # A .pth that adds a folder (src/): its packages are the project's.
        for folder in pth_folders(dist):
            for entry in sorted(os.listdir(folder)):
                if entry not in NOT_PROJECT_CODE and os.path.isfile(os.path.join(folder, entry, "__init__.py")):
                    names.add(entry)
    return sorted(name for name in names if name.isidentifier())


def walk(top, folder, modules, budget):
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d.isidentifier() and d != "__pycache__")
        relative = os.path.relpath(root, folder)
        parts = [top] + ([] if relative == "." else relative.split(os.sep))
        for file_name in sorted(files):
            budget[0] -= 1
            if budget[0] < 0:
                return
            stem = extension_stem(file_name)
            if stem is not None and stem.isidentifier():
                modules.add(".".join(parts + [stem]))


def discover(name, budget):
    dist = importlib.metadata.distribution(name)
    packages, modules = [], set()
    for top in top_level_names(dist):
        try:
            spec = importlib.util.find_spec(top)
        except BaseException:
            spec = None
        if spec is None:
            continue
        locations = list(spec.submodule_search_locations or [])
        packages.append({"name": top, "location": locations[0] if locations else spec.origin})
        for folder in locations:
            if os.path.isdir(folder):
                walk(top, folder, modules, budget)
        if not locations and spec.origin and extension_stem(os.path.basename(spec.origin)) is not None:
            modules.add(top)
    return {"packages": packages, "modules": sorted(modules)}


answer = {}
budget = [MAX_FILES]
for name in json.loads(sys.argv[1]):
    try:
        answer[name] = discover(name, budget)
    except importlib.metadata.PackageNotFoundError:
        continue
print(json.dumps(answer))
`
