#ifndef CHISO_CLIBCSV_SHIM_H
#define CHISO_CLIBCSV_SHIM_H
#include <csv.h>
#endif
