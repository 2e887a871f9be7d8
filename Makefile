# chiso: `make run` builds and runs the sample pipeline; `make test` runs every test.
# Both install libcsv-dev first when it is missing (Debian/Ubuntu), so each works on a fresh machine.

SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SAMPLES_SEED ?= 2023

.PHONY: all deps build run test samples clean

all: build

deps:
	@dpkg -s libcsv-dev >/dev/null 2>&1 || { \
	  echo "Installing libcsv-dev ..."; \
	  $(SUDO) apt-get update && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y libcsv-dev; }

build: deps
	$(SWIFT) build -c release --product chiso

run: build
	.build/release/chiso run pipelines/sample.yaml

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test

# Regenerates samples/ from the deterministic generator (the committed files are its output).
samples: deps
	$(SWIFT) build -c release --product chiso-samples
	.build/release/chiso-samples --out samples/hoa-phong --dossiers 20000 --seed $(SAMPLES_SEED)

clean:
	rm -rf .build out var
