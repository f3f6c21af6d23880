# The two commands: `make demo` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_OUT := build/demo

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the project's metadata changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	@mkdir -p $(DEMO_OUT)
	@echo "\$$ rarecase info"
	@$(BIN)/rarecase info
	@echo; echo "\$$ rarecase analyze examples/pasted_case_report.txt"
	@$(BIN)/rarecase analyze examples/pasted_case_report.txt
	@$(BIN)/rarecase analyze examples/pasted_case_report.txt --format phenopacket > $(DEMO_OUT)/pasted_case_report.phenopacket.json
	@echo "(phenopacket written to $(DEMO_OUT)/pasted_case_report.phenopacket.json)"
	@echo; echo "\$$ rarecase diagnose HP:0001166 HP:0001083 HP:0002616 -HP:0000545 --top 3"
	@$(BIN)/rarecase diagnose HP:0001166 HP:0001083 HP:0002616 -HP:0000545 --top 3
	@echo; echo "\$$ rarecase validate examples/tumoral_calcinosis.json"
	@$(BIN)/rarecase validate examples/tumoral_calcinosis.json
	@echo; echo "\$$ rarecase show examples/tumoral_calcinosis.json"
	@$(BIN)/rarecase show examples/tumoral_calcinosis.json
	@echo; echo "\$$ rarecase term search cervical instab"
	@$(BIN)/rarecase term search cervical instab --limit 5
	@echo; echo "\$$ rarecase term HP:0010646"
	@$(BIN)/rarecase term HP:0010646
	@echo; echo "\$$ rarecase validate --fix examples/needs_curation.json --out $(DEMO_OUT)"
	@$(BIN)/rarecase validate --fix examples/needs_curation.json --out $(DEMO_OUT) || true
	@echo; echo "\$$ rarecase corpus stats    # the case store; a new one gets the bundled cases"
	@$(BIN)/rarecase corpus stats
	@echo; echo "\$$ rarecase similar HP:0001083 HP:0002616 -HP:0001166 --top 3"
	@$(BIN)/rarecase similar HP:0001083 HP:0002616 -HP:0001166 --top 3
	@echo; echo "\$$ rarecase novelty HP:0001083 HP:0002616 -HP:0001166"
	@$(BIN)/rarecase novelty HP:0001083 HP:0002616 -HP:0001166
	@echo; echo "\$$ rarecase novelty OMIM:154700 HP:0003467   # Marfan syndrome with atlantoaxial instability"
	@$(BIN)/rarecase novelty OMIM:154700 HP:0003467
	@echo; echo "\$$ rarecase care examples/pasted_case_report.txt   # the CARE checklist for authors"
	@$(BIN)/rarecase care examples/pasted_case_report.txt

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks scripts conftest.py
	$(BIN)/mypy

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/bench_ontology.py
	$(BIN)/python benchmarks/bench_recognition.py
	$(BIN)/python benchmarks/bench_diagnosis.py
	$(BIN)/python benchmarks/bench_similar.py
	$(BIN)/python benchmarks/bench_patient.py
	$(BIN)/python benchmarks/bench_actions.py
	$(BIN)/python benchmarks/bench_claims.py

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
