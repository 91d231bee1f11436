/*
 * aws_stub.c - AWS hooks not built yet: each is a no-op.
 */
#include "aws/aws.h"

#include <stdio.h>

bool aws_lambda_requested(char *const *envp)
{
    (void)envp;
    return false;
}

int aws_lambda_main(int argc, char **argv, char *const *envp)
{
    (void)argc, (void)argv, (void)envp;
    fputs("runway: the Lambda runtime is not available in this build\n", stderr);
    return 1;
}
