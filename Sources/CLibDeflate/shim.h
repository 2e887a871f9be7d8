// libdeflate (Debian `libdeflate-dev`): its CRC-32 (zlib's and gzip's, computed with the CPU's carry-less
// multiply), the check on each stored-state chunk read back.
#include <libdeflate.h>
