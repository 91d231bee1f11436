#include <stdio.h>
int main(void) { puts("runway"); return 0; }
