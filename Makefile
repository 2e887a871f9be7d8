# chiso: `make run` builds and runs the sample pipeline; `make test` runs every test.
# Both install libcsv-dev first when it is missing (Debian/Ubuntu), so each works on a fresh machine.

SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SAMPLES_SEED ?= 2023

.PHONY: all deps build run test samples bench man clean

all: build

# libcsv-dev: the CSV tokenizer; libsqlite3-dev: the warehouse (through GRDB).
DEBS := libcsv-dev libsqlite3-dev
deps:
	@missing=""; for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing$$missing ..."; \
	  $(SUDO) apt-get update && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; fi

build: deps
	$(SWIFT) build -c release --product chiso

run: build
	.build/release/chiso run pipelines/sample.yaml

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test

# Regenerates samples/ from the deterministic generator (the committed files are its output).
GEN := .build/release/chiso-samples
samples: deps
	$(SWIFT) build -c release --product chiso-samples
	$(GEN) --out samples/hoa-phong --layout province --dossiers 20000 --seed $(SAMPLES_SEED) --from 2022-11-15 --to 2023-11-30
	$(GEN) --out samples/hoa-phong-2024 --layout province --dossiers 8000 --seed 2024 --from 2024-01-01 --to 2024-12-31
	$(GEN) --out samples/doi-may --layout district --dossiers 6000 --seed 41 --from 2023-01-01 --to 2023-12-31
	$(GEN) --out samples/van-khe --layout city --dossiers 5000 --seed 50 --from 2024-01-01 --to 2024-12-31
	$(GEN) --out samples/so-ldtbxh --layout department --dossiers 3000 --seed 19 --from 2023-01-01 --to 2023-12-31
	$(GEN) --out samples/hoa-phong-2025 --layout province-2025 --dossiers 12000 --seed 2025 --from 2025-01-01 --to 2025-12-31

# Not part of `make test`: chiso beside the libcsv floor and DuckDB (N=5000000 for the big run).
N ?= 1000000
bench: deps
	bash Benchmarks/bench.sh $(N)

# The manual page, generated from the command definitions by swift-argument-parser's own plugin.
# The generator keeps ASCII only, so chiso hands it Vietnamese as @uXXXX@ tokens, turned into groff escapes here.
man: deps
	CHISO_MAN_ESCAPES=1 $(SWIFT) package generate-manual
	mkdir -p out/man
	sed -E 's/@u([0-9A-F]{4,5})@/\\[u\1]/g' .build/plugins/GenerateManual/outputs/chiso/chiso.1 > out/man/chiso.1
	@echo "man -l out/man/chiso.1"

clean:
	rm -rf .build out var
