#ifndef CHISO_CXLSXWRITER_SHIM_H
#define CHISO_CXLSXWRITER_SHIM_H
#include <xlsxwriter.h>
#endif
