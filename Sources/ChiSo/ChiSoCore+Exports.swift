/// The rules and value types live in ChiSoCore; everything that imports the shell sees them too.
@_exported import ChiSoCore
