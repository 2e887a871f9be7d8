// libpq, PostgreSQL's C client (Debian libpq-dev): the shared warehouse (SPEC 12).
#include <postgresql/libpq-fe.h>
