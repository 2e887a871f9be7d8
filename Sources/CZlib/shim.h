// zlib (Debian `zlib1g-dev`): its CRC-32, the check on each stored-state chunk read back.
#include <zlib.h>
