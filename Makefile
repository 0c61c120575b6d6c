# Ketamine Therapy for Mood Disorders: every output from one MyST source.
#
#   make all     build the site, the PDF, the EPUB and the decks (+ deck PDFs)
#   make test    run the whole test suite (what CI runs)
#
# Both install what is missing first: a virtual environment with the pinned
# Python packages, and TeX, Chromium and epubcheck through apt.

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
PDFNAME        := ketamine-therapy-handbook

# Reproducible outputs: the build date is the commit date unless set.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || date +%s)
export SOURCE_DATE_EPOCH

ifeq ($(PAPER),letter)
  PAPEROPT := -D latex_elements.papersize=letterpaper
else ifeq ($(PAPER),a4)
  PAPEROPT := -D latex_elements.papersize=a4paper
else
  $(error PAPER must be a4 or letter, not '$(PAPER)')
endif
DRAFTOPT := $(if $(DRAFT),-D handbook_allow_stale_reviews=1)
ALLOPTS  = -c . $(SPHINXOPTS) $(DRAFTOPT) $(O)
BUILD    := $(abspath $(BUILDDIR))

.PHONY: help all html pdf epub slides slides-pdf site live linkcheck test bench hooks clean deps python-deps tex-deps browser-deps epub-deps

help: ## Show this help
	@echo "Ketamine Therapy for Mood Disorders: build targets"
	@echo
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'
	@echo
	@echo "Variables: SPHINXOPTS='$(SPHINXOPTS)' BUILDDIR=$(BUILDDIR) PAPER=$(PAPER) (a4|letter) DRAFT=$(DRAFT) O=<extra sphinx options>"

all: deps ## Build every output: site, PDF, EPUB, decks and deck PDFs
	@$(MAKE) --no-print-directory -j$(JOBS) html pdf epub slides-pdf

# -- One sphinx-build call per output ----------------------------------------
# On failure the target's output is removed, so a failed build never leaves
# an output behind that looks current.

html: python-deps ## Build the HTML handbook into $(BUILDDIR)/html
	$(SPHINXBUILD) -b html -d $(BUILD)/doctrees/html docs $(BUILD)/html $(ALLOPTS) \
	  || { rm -rf $(BUILD)/html; echo "html build failed: $(BUILDDIR)/html removed" >&2; exit 1; }

pdf: python-deps tex-deps ## Build the PDF handbook into $(BUILDDIR)/pdf (PAPER=a4|letter)
	@rm -f $(BUILD)/pdf/$(PDFNAME).pdf $(BUILD)/latex/latex/$(PDFNAME).pdf
	$(SPHINXBUILD) -M latexpdf docs $(BUILD)/latex $(ALLOPTS) $(PAPEROPT) \
	  || { rm -rf $(BUILD)/latex/latex/$(PDFNAME).pdf; echo "pdf build failed: no PDF written" >&2; exit 1; }
	@mkdir -p $(BUILD)/pdf
	@cp $(BUILD)/latex/latex/$(PDFNAME).pdf $(BUILD)/pdf/.$(PDFNAME).pdf.tmp
	@mv $(BUILD)/pdf/.$(PDFNAME).pdf.tmp $(BUILD)/pdf/$(PDFNAME).pdf
	@echo "PDF: $(BUILDDIR)/pdf/$(PDFNAME).pdf"

epub: python-deps ## Build the EPUB 3 edition into $(BUILDDIR)/epub
	$(SPHINXBUILD) -b epub -d $(BUILD)/doctrees/epub docs $(BUILD)/epub $(ALLOPTS) \
	  || { rm -rf $(BUILD)/epub; echo "epub build failed: $(BUILDDIR)/epub removed" >&2; exit 1; }

# The decks link into the handbook through its objects.inv, so html first.
slides: html ## Build the reveal.js training decks into $(BUILDDIR)/slides
	$(SPHINXBUILD) -b revealjs -t decks -d $(BUILD)/doctrees/slides slides $(BUILD)/slides $(ALLOPTS) \
	  -D handbook_inventory=$(BUILD)/html/objects.inv \
	  || { rm -rf $(BUILD)/slides; echo "slides build failed: $(BUILDDIR)/slides removed" >&2; exit 1; }

slides-pdf: slides browser-deps ## Print each deck to PDF (slides, and a handout with notes)
	$(VENV)/bin/python tools/deck_pdf.py $(BUILD)/slides $(BUILD)/slides-pdf

live: python-deps ## Preview the handbook with live reload (sphinx-autobuild)
	$(VENV)/bin/sphinx-autobuild -b html -c . docs $(BUILD)/live --watch snippets --watch data \
	  --watch theme --watch handbook_sphinx -n --keep-going $(DRAFTOPT) $(O)

linkcheck: python-deps ## Check external links (needs the network; never part of test)
	$(SPHINXBUILD) -b linkcheck -d $(BUILD)/doctrees/linkcheck docs $(BUILD)/linkcheck -c . -n -q $(O)

test: deps ## Run the whole test suite (builds every output in a fresh tree)
	$(VENV)/bin/pytest $(PYTEST_ARGS)

hooks: python-deps ## Install the pre-commit hooks (ruff, codespell, whitespace, YAML/TOML, content checks)
	$(VENV)/bin/pre-commit install

clean: ## Remove every build output
	rm -rf $(BUILDDIR)

# -- Installing what is missing -----------------------------------------------

deps: python-deps tex-deps browser-deps epub-deps

python-deps: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml tools/requirements.py
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV) \
	  || { echo "missing: Python 3.11 with venv (apt-get install python3-venv)" >&2; exit 1; }
	$(VENV)/bin/python tools/requirements.py pyproject.toml > $(VENV)/requirements.txt
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r $(VENV)/requirements.txt
	@touch $@

tex-deps:
	@tools/ensure-system-packages tex

browser-deps:
	@tools/ensure-system-packages browser

epub-deps:
	@tools/ensure-system-packages epub
