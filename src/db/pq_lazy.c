/*
 * pq_lazy.c - the libpq functions the PostgreSQL driver calls, loading
 * libpq on first use (see core/lazylib.h).  A call that cannot reach libpq
 * returns what libpq returns for a missing connection or result.
 */
#include <libpq-fe.h>
#include <stddef.h>

#include "core/lazylib.h"

static lazy_lib pq_lib = LAZY_LIB("libpq.so.5", "libpq5", "PostgreSQL connections");

#define PQ_CALL(fail, name, ...) LAZY_CALL(pq_lib, fail, name, __VA_ARGS__)
#define PQ_CALL_VOID(name, ...) LAZY_CALL_VOID(pq_lib, name, __VA_ARGS__)

PGconn *PQconnectdbParams(const char *const *keywords, const char *const *values,
                          int expand_dbname)
{
    PQ_CALL(NULL, PQconnectdbParams, keywords, values, expand_dbname);
}

PQconninfoOption *PQconndefaults(void)
{
    LAZY_FN(pq_lib, PQconndefaults);
    return f_ ? f_() : NULL;
}

void PQconninfoFree(PQconninfoOption *connOptions) { PQ_CALL_VOID(PQconninfoFree, connOptions); }
void PQfinish(PGconn *conn) { PQ_CALL_VOID(PQfinish, conn); }
void PQclear(PGresult *res) { PQ_CALL_VOID(PQclear, res); }
void PQfreemem(void *ptr) { PQ_CALL_VOID(PQfreemem, ptr); }

ConnStatusType PQstatus(const PGconn *conn) { PQ_CALL(CONNECTION_BAD, PQstatus, conn); }

PGTransactionStatusType PQtransactionStatus(const PGconn *conn)
{
    PQ_CALL(PQTRANS_UNKNOWN, PQtransactionStatus, conn);
}

char *PQerrorMessage(const PGconn *conn)
{
    PQ_CALL((char *)"libpq.so.5 could not be loaded\n", PQerrorMessage, conn);
}

char *PQuser(const PGconn *conn) { PQ_CALL(NULL, PQuser, conn); }
int PQserverVersion(const PGconn *conn) { PQ_CALL(0, PQserverVersion, conn); }
int PQbackendPID(const PGconn *conn) { PQ_CALL(0, PQbackendPID, conn); }

PQnoticeReceiver PQsetNoticeReceiver(PGconn *conn, PQnoticeReceiver proc, void *arg)
{
    PQ_CALL(NULL, PQsetNoticeReceiver, conn, proc, arg);
}

PGresult *PQexec(PGconn *conn, const char *query) { PQ_CALL(NULL, PQexec, conn, query); }

PGresult *PQexecParams(PGconn *conn, const char *command, int nParams, const Oid *paramTypes,
                       const char *const *paramValues, const int *paramLengths,
                       const int *paramFormats, int resultFormat)
{
    PQ_CALL(NULL, PQexecParams, conn, command, nParams, paramTypes, paramValues, paramLengths,
            paramFormats, resultFormat);
}

int PQsendQuery(PGconn *conn, const char *query) { PQ_CALL(0, PQsendQuery, conn, query); }

int PQsendQueryParams(PGconn *conn, const char *command, int nParams, const Oid *paramTypes,
                      const char *const *paramValues, const int *paramLengths,
                      const int *paramFormats, int resultFormat)
{
    PQ_CALL(0, PQsendQueryParams, conn, command, nParams, paramTypes, paramValues, paramLengths,
            paramFormats, resultFormat);
}

int PQsetSingleRowMode(PGconn *conn) { PQ_CALL(0, PQsetSingleRowMode, conn); }
int PQisBusy(PGconn *conn) { PQ_CALL(0, PQisBusy, conn); }
int PQconsumeInput(PGconn *conn) { PQ_CALL(0, PQconsumeInput, conn); }
int PQsocket(const PGconn *conn) { PQ_CALL(-1, PQsocket, conn); }
PGresult *PQgetResult(PGconn *conn) { PQ_CALL(NULL, PQgetResult, conn); }

ExecStatusType PQresultStatus(const PGresult *res)
{
    PQ_CALL(PGRES_FATAL_ERROR, PQresultStatus, res);
}

char *PQresultErrorField(const PGresult *res, int fieldcode)
{
    PQ_CALL(NULL, PQresultErrorField, res, fieldcode);
}

int PQntuples(const PGresult *res) { PQ_CALL(0, PQntuples, res); }
int PQnfields(const PGresult *res) { PQ_CALL(0, PQnfields, res); }

char *PQgetvalue(const PGresult *res, int tup_num, int field_num)
{
    PQ_CALL(NULL, PQgetvalue, res, tup_num, field_num);
}

int PQgetisnull(const PGresult *res, int tup_num, int field_num)
{
    PQ_CALL(1, PQgetisnull, res, tup_num, field_num);
}

int PQgetCopyData(PGconn *conn, char **buffer, int async)
{
    PQ_CALL(-2, PQgetCopyData, conn, buffer, async);
}

int PQputCopyData(PGconn *conn, const char *buffer, int nbytes)
{
    PQ_CALL(-1, PQputCopyData, conn, buffer, nbytes);
}

int PQputCopyEnd(PGconn *conn, const char *errormsg) { PQ_CALL(-1, PQputCopyEnd, conn, errormsg); }

PGcancel *PQgetCancel(PGconn *conn) { PQ_CALL(NULL, PQgetCancel, conn); }
void PQfreeCancel(PGcancel *cancel) { PQ_CALL_VOID(PQfreeCancel, cancel); }

int PQcancel(PGcancel *cancel, char *errbuf, int errbufsize)
{
    PQ_CALL(0, PQcancel, cancel, errbuf, errbufsize);
}

int PQenterPipelineMode(PGconn *conn) { PQ_CALL(0, PQenterPipelineMode, conn); }
int PQexitPipelineMode(PGconn *conn) { PQ_CALL(0, PQexitPipelineMode, conn); }
int PQpipelineSync(PGconn *conn) { PQ_CALL(0, PQpipelineSync, conn); }
