/*
 * mysql_lazy.c - the MariaDB Connector/C functions the MySQL driver calls,
 * loading libmariadb on first use (see core/lazylib.h).  A call that
 * cannot reach the library reports a failure the driver already handles.
 */
#include <mysql.h>
#include <stdarg.h>
#include <stddef.h>

#include "core/lazylib.h"

static lazy_lib my_lib = LAZY_LIB("libmariadb.so.3", "libmariadb3", "MySQL and MariaDB connections");

#define MY_CALL(fail, name, ...) LAZY_CALL(my_lib, fail, name, __VA_ARGS__)
#define MY_CALL_VOID(name, ...) LAZY_CALL_VOID(my_lib, name, __VA_ARGS__)

MYSQL *STDCALL mysql_init(MYSQL *mysql) { MY_CALL(NULL, mysql_init, mysql); }
void STDCALL mysql_close(MYSQL *sock) { MY_CALL_VOID(mysql_close, sock); }

/* runway always passes exactly one value after the option; so does this. */
int mysql_optionsv(MYSQL *mysql, enum mysql_option option, ...)
{
    va_list ap;
    va_start(ap, option);
    const void *arg = va_arg(ap, const void *);
    va_end(ap);
    MY_CALL(1, mysql_optionsv, mysql, option, arg);
}

int STDCALL mysql_ssl_set(MYSQL *mysql, const char *key, const char *cert, const char *ca,
                          const char *capath, const char *cipher)
{
    MY_CALL(1, mysql_ssl_set, mysql, key, cert, ca, capath, cipher);
}

MYSQL *STDCALL mysql_real_connect(MYSQL *mysql, const char *host, const char *user,
                                  const char *passwd, const char *db, unsigned int port,
                                  const char *unix_socket, unsigned long clientflag)
{
    MY_CALL(NULL, mysql_real_connect, mysql, host, user, passwd, db, port, unix_socket,
            clientflag);
}

const char *STDCALL mysql_get_ssl_cipher(MYSQL *mysql) { MY_CALL(NULL, mysql_get_ssl_cipher, mysql); }
char *STDCALL mysql_get_server_info(MYSQL *mysql) { MY_CALL(NULL, mysql_get_server_info, mysql); }
int STDCALL mysql_select_db(MYSQL *mysql, const char *db) { MY_CALL(1, mysql_select_db, mysql, db); }
my_bool STDCALL mysql_autocommit(MYSQL *mysql, my_bool mode) { MY_CALL(1, mysql_autocommit, mysql, mode); }

int STDCALL mysql_real_query(MYSQL *mysql, const char *q, unsigned long length)
{
    MY_CALL(1, mysql_real_query, mysql, q, length);
}

unsigned long STDCALL mysql_real_escape_string(MYSQL *mysql, char *to, const char *from,
                                               unsigned long length)
{
    MY_CALL((unsigned long)-1, mysql_real_escape_string, mysql, to, from, length);
}

MYSQL_RES *STDCALL mysql_store_result(MYSQL *mysql) { MY_CALL(NULL, mysql_store_result, mysql); }
MYSQL_RES *STDCALL mysql_use_result(MYSQL *mysql) { MY_CALL(NULL, mysql_use_result, mysql); }
MYSQL_ROW STDCALL mysql_fetch_row(MYSQL_RES *result) { MY_CALL(NULL, mysql_fetch_row, result); }
void STDCALL mysql_free_result(MYSQL_RES *result) { MY_CALL_VOID(mysql_free_result, result); }
unsigned int STDCALL mysql_num_fields(MYSQL_RES *res) { MY_CALL(0, mysql_num_fields, res); }
unsigned int STDCALL mysql_field_count(MYSQL *mysql) { MY_CALL(0, mysql_field_count, mysql); }
int STDCALL mysql_next_result(MYSQL *mysql) { MY_CALL(-1, mysql_next_result, mysql); }
unsigned int STDCALL mysql_errno(MYSQL *mysql) { MY_CALL(2000, mysql_errno, mysql); }

const char *STDCALL mysql_error(MYSQL *mysql)
{
    MY_CALL("libmariadb.so.3 could not be loaded", mysql_error, mysql);
}

const char *STDCALL mysql_sqlstate(MYSQL *mysql) { MY_CALL("HY000", mysql_sqlstate, mysql); }

int STDCALL mysql_set_character_set(MYSQL *mysql, const char *csname)
{
    MY_CALL(1, mysql_set_character_set, mysql, csname);
}

unsigned long STDCALL mysql_thread_id(MYSQL *mysql) { MY_CALL(0, mysql_thread_id, mysql); }

int STDCALL mysql_set_server_option(MYSQL *mysql, enum enum_mysql_set_option option)
{
    MY_CALL(1, mysql_set_server_option, mysql, option);
}
