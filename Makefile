# Ketamine Therapy for Mood Disorders: every output from one MyST source.
#
#   make all     build the site, the PDF, the EPUB and the decks (+ deck PDFs)
#   make test    run the whole test suite (what CI runs)
#
# Both install what is missing first: a virtual environment with every Python
# package from requirements.lock (hashes checked), and the PDF's fonts,
# Chromium and epubcheck through apt.

SHELL          := /bin/bash
.DEFAULT_GOAL  := help

PYTHON         ?= python3
VENV           ?= .venv
SPHINXBUILD    ?= $(VENV)/bin/sphinx-build
# Nitpicky, warnings are errors, but report all of them before stopping.
SPHINXOPTS     ?= -n -W --keep-going -q
BUILDDIR       ?= _build
PAPER          ?= a4
# DRAFT=1 lets chapters whose review is older than 18 months build locally.
DRAFT          ?=
JOBS           ?= 2
# The PDF's and EPUB's base name, from handbook.toml (one place for it).
PDFNAME        := $(shell $(PYTHON) tools/config.py basename)
# The committee's What-changed PDFs, as a pattern (handbook.toml).
CHANGESPDF     := $(shell $(PYTHON) tools/config.py changes-pdf-glob)
# Every Python package, direct and indirect, pinned with hashes (make lock).
LOCK           := requirements.lock

# Reproducible outputs: the build date is the commit date unless set.
# Evaluated once (not once per recipe line).
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || date +%s)
SOURCE_DATE_EPOCH := $(SOURCE_DATE_EPOCH)
export SOURCE_DATE_EPOCH

ifneq ($(filter $(PAPER),a4 letter),$(PAPER))
  $(error PAPER must be a4 or letter, not '$(PAPER)')
endif
PAPEROPT := -D typst_paper=$(PAPER)
ifeq ($(DRAFT),1)
  DRAFTOPT := -D handbook_allow_stale_reviews=1
else
  DRAFTOPT :=
endif
# DECK_PDFS=0 publishes the site without the deck PDFs, for hosts that have no
# Chromium to print them (Read the Docs); the home page then omits their links.
DECK_PDFS ?= 1
ifeq ($(DECK_PDFS),0)
  DECKPDFOPT := -D handbook_deck_pdfs=0
  SITEDECKS  := slides
  SITEDEPS   :=
else
  DECKPDFOPT :=
  SITEDECKS  := slides-pdf
  SITEDEPS   := browser-deps
endif
# Internal reports (snippet traceability) go to $(BUILDDIR)/reports, never into a published output.
ALLOPTS  = -c . $(SPHINXOPTS) $(DRAFTOPT) -D handbook_reports_dir=$(BUILD)/reports $(O)
BUILD    := $(abspath $(BUILDDIR))

.PHONY: help all html pdf epub slides slides-pdf slides-pptx site changes live linkcheck test test-fast bench lock hooks clean deps python-deps pdf-deps browser-deps epub-deps node-deps bench-deps

help: ## Show this help
	@echo "Ketamine Therapy for Mood Disorders: build targets"
	@echo
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'
	@echo
	@echo "Variables: SPHINXOPTS='$(SPHINXOPTS)' BUILDDIR=$(BUILDDIR) PAPER=$(PAPER) (a4|letter) DRAFT=$(DRAFT) DECK_PDFS=$(DECK_PDFS) O=<extra sphinx options>"

all: deps ## Build every output: site, PDF, EPUB, decks, deck PDFs and PowerPoint files
	@$(MAKE) --no-print-directory -j$(JOBS) site

# -- One sphinx-build call per output ----------------------------------------
# On failure the target's output is removed, so a failed build never leaves
# an output behind that looks current, and so is its saved environment: it
# marks the broken document as read, so the next run, with nothing changed,
# would skip the warning and pass.
# $(call failed,<output>,<paths>) removes <paths> and fails.
failed = { rm -rf $(2); echo "$(1) build failed: removed $(2)" >&2; exit 1; }

html: python-deps ## Build the HTML handbook into $(BUILDDIR)/html
	@# DECK_PDFS is the home page's business only (site_links, not loaded by the decks).
	$(SPHINXBUILD) -b html -d $(BUILD)/doctrees/html docs $(BUILD)/html $(ALLOPTS) $(DECKPDFOPT) \
	  || $(call failed,html,$(BUILD)/html $(BUILD)/doctrees/html)

# The PDF: Sphinx's doctree as Typst, compiled in process to a tagged PDF/UA-1
# (handbook_sphinx/typst). The builder writes no PDF when anything went wrong.
pdf: python-deps pdf-deps ## Build the PDF handbook into $(BUILDDIR)/pdf (PAPER=a4|letter)
	@rm -f $(BUILD)/pdf/$(PDFNAME).pdf
	$(SPHINXBUILD) -b typst -d $(BUILD)/doctrees/typst docs $(BUILD)/typst $(ALLOPTS) $(PAPEROPT) \
	  || $(call failed,pdf,$(BUILD)/typst $(BUILD)/doctrees/typst)
	@mkdir -p $(BUILD)/pdf
	@cp $(BUILD)/typst/$(PDFNAME).pdf $(BUILD)/pdf/.$(PDFNAME).pdf.tmp
	@mv $(BUILD)/pdf/.$(PDFNAME).pdf.tmp $(BUILD)/pdf/$(PDFNAME).pdf
	@echo "PDF: $(BUILDDIR)/pdf/$(PDFNAME).pdf"

epub: python-deps ## Build the EPUB 3 edition into $(BUILDDIR)/epub
	$(SPHINXBUILD) -b epub -d $(BUILD)/doctrees/epub docs $(BUILD)/epub $(ALLOPTS) \
	  || $(call failed,epub,$(BUILD)/epub $(BUILD)/doctrees/epub)

# The decks link into the handbook through its objects.inv, so html first.
slides: html ## Build the reveal.js training decks into $(BUILDDIR)/slides
	$(SPHINXBUILD) -b revealjs -t decks -d $(BUILD)/doctrees/slides slides $(BUILD)/slides $(ALLOPTS) \
	  -D handbook_inventory=$(BUILD)/html/objects.inv \
	  || $(call failed,slides,$(BUILD)/slides $(BUILD)/doctrees/slides)

# Three PDFs per deck: slides, trainer notes and participant handout (A4, or
# Letter with PAPER=letter). The script removes them all if one fails.
slides-pdf: slides browser-deps ## Print each deck to PDF: slides, trainer notes, participant handout
	$(VENV)/bin/python tools/deck_pdf.py $(BUILD)/slides $(BUILD)/slides-pdf --paper $(PAPER)

# One PowerPoint file per deck, from the same sources (handbook_sphinx/pptx.py).
slides-pptx: html ## Write each deck as a PowerPoint file into $(BUILDDIR)/slides-pptx
	$(SPHINXBUILD) -b pptx -t decks -d $(BUILD)/doctrees/slides-pptx slides $(BUILD)/slides-pptx $(ALLOPTS) \
	  -D handbook_inventory=$(BUILD)/html/objects.inv \
	  || $(call failed,slides-pptx,$(BUILD)/slides-pptx $(BUILD)/doctrees/slides-pptx)

# "What changed": the working tree against an earlier edition (FROM=1.0.0 or
# a commit; default: the previous edition in editions.yaml), listed here and
# written to $(BUILDDIR)/changes/changes-<from>-<to>.pdf. It reads git history:
# a shallow clone or an unknown FROM stops with one line. CHANGES_IF_HISTORY=1
# (make site) turns a missing history into a note instead of an error.
FROM ?=
changes: python-deps pdf-deps ## List what changed since an edition (FROM=<edition or commit>) and write its PDF
	@$(VENV)/bin/python -m handbook_sphinx.changes --out $(BUILD)/changes $(if $(FROM),--from '$(FROM)') \
	  $(if $(CHANGES_IF_HISTORY),--if-history)

# The published tree: the handbook at /, the decks at /slides/, the PDF, EPUB,
# deck PDFs and PowerPoint files at /downloads/. Links between the outputs are written for this
# layout. The old site goes first, so a failed output leaves no site behind
# that looks current; the new one is assembled aside and moved into place.
site: ## Assemble the published site in $(BUILDDIR)/site (handbook, /slides/, /downloads/)
	@rm -rf $(BUILD)/site
	@$(MAKE) --no-print-directory python-deps pdf-deps $(SITEDEPS)
	@# Installed; now the outputs, two at a time on two cores.
	@$(MAKE) --no-print-directory -o pdf-deps -o browser-deps pdf html epub $(SITEDECKS) slides-pptx changes FROM= CHANGES_IF_HISTORY=1
	@rm -rf $(BUILD)/.site.tmp && mkdir -p $(BUILD)/.site.tmp/slides $(BUILD)/.site.tmp/downloads
	@cp -r $(BUILD)/html/. $(BUILD)/.site.tmp/
	@cp -r $(BUILD)/slides/. $(BUILD)/.site.tmp/slides/
	@rm -rf $(BUILD)/.site.tmp/.buildinfo $(BUILD)/.site.tmp/slides/.buildinfo $(BUILD)/.site.tmp/_sources $(BUILD)/.site.tmp/slides/_sources
	@cp $(BUILD)/pdf/$(PDFNAME).pdf $(BUILD)/epub/$(PDFNAME).epub $(BUILD)/.site.tmp/downloads/
	@$(if $(filter slides-pdf,$(SITEDECKS)),cp $(BUILD)/slides-pdf/*.pdf $(BUILD)/.site.tmp/downloads/)
	@cp $(BUILD)/slides-pptx/*.pptx $(BUILD)/.site.tmp/downloads/
	@find $(BUILD)/changes -maxdepth 1 -name '$(CHANGESPDF)' -exec cp {} $(BUILD)/.site.tmp/downloads/ \;
	@mv $(BUILD)/.site.tmp $(BUILD)/site
	@echo "Site: $(BUILDDIR)/site (preview: python3 -m http.server -d $(BUILDDIR)/site 8000)"

live: python-deps ## Preview the handbook with live reload (sphinx-autobuild)
	$(VENV)/bin/sphinx-autobuild -b html -c . docs $(BUILD)/live --watch snippets --watch data \
	  --watch theme --watch handbook_sphinx -n --keep-going $(DRAFTOPT) $(O)

linkcheck: python-deps ## Check external links (needs the network; never part of test)
	$(SPHINXBUILD) -b linkcheck -d $(BUILD)/doctrees/linkcheck docs $(BUILD)/linkcheck -c . -n -q $(O)

test: deps ## Run the whole test suite (builds every output in a fresh tree; CI runs this)
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# The machinery, bad-input, Makefile, workflow and habit tests: no full
# handbook build, about a minute. Before pushing, and on pull requests.
test-fast: python-deps ## Run the fast tests only (no full handbook build)
	$(VENV)/bin/pytest -m "not handbook" $(PYTEST_ARGS)

# hyperfine and GNU time, in a scratch copy under $(BUILDDIR)/bench/work;
# BENCH_ARGS="--runs 1 --no-scaling" for a quick look.
bench: deps bench-deps ## Time the builds (hyperfine) and their peak memory into $(BUILDDIR)/bench (bench.md, bench.json)
	$(VENV)/bin/python tools/bench.py --builddir $(BUILD) $(BENCH_ARGS)

hooks: python-deps ## Install the pre-commit hooks (ruff, codespell, whitespace, YAML/TOML, content checks)
	$(VENV)/bin/pre-commit install

clean: ## Remove every build output
	rm -rf $(BUILDDIR)

# -- Installing what is missing -----------------------------------------------

deps: python-deps pdf-deps browser-deps epub-deps node-deps

python-deps: $(VENV)/.installed

# Exactly the lock: every package with its hash, nothing resolved here.
$(VENV)/.installed: $(LOCK)
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV) \
	  || { echo "missing: Python 3.11 with venv (apt-get install python3-venv)" >&2; exit 1; }
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r $(LOCK)
	@touch $@

# After changing a pin in pyproject.toml (or adding a package): make lock,
# then commit pyproject.toml and requirements.lock. UPGRADE=1 also moves every
# unpinned indirect dependency to its newest release. Needs PyPI.
lock: python-deps ## Re-resolve requirements.lock from pyproject.toml's pins (UPGRADE=1: newest indirect ones)
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
	  $(if $(filter 1,$(UPGRADE)),--upgrade) --quiet -o $(LOCK)
	@echo "$(LOCK) updated: commit it with pyproject.toml"

pdf-deps:
	@tools/ensure-system-packages pdf

browser-deps:
	@tools/ensure-system-packages browser

epub-deps:
	@tools/ensure-system-packages epub

bench-deps:
	@tools/ensure-system-packages bench

# axe-core (the accessibility tests) from the npm registry, at the version
# package-lock.json pins; reinstalled only when package*.json change.
node-deps: node_modules/axe-core/axe.min.js

node_modules/axe-core/axe.min.js: package.json package-lock.json
	@tools/ensure-system-packages node
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@
