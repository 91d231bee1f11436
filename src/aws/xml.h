/*
 * xml.h - just enough XML for AWS Query-protocol answers (STS): find an
 * element by name inside a span of text and decode its character data.
 * Not a general parser: no namespaces prefixes, no DTDs; elements AWS nests
 * are found by searching inside the parent's content.
 */
#ifndef RUNWAY_AWS_XML_H
#define RUNWAY_AWS_XML_H

#include <stdbool.h>
#include <stddef.h>

/* A piece of the document: what lies between an element's tags. */
typedef struct aws_xml_span {
    const char *at;
    size_t len;
} aws_xml_span;

/*
 * The content of the first <name> element (attributes allowed, not a
 * self-closing one) within in; false when there is none or it is not closed.
 */
bool aws_xml_find(aws_xml_span in, const char *name, aws_xml_span *out);

/* The span's text with the five named entities and &#N; / &#xN; decoded; NULL if malformed. */
char *aws_xml_text(aws_xml_span span);

/* Decoded text of in's <parent>/<name> (parent NULL: any <name>), or NULL. */
char *aws_xml_child_text(aws_xml_span in, const char *parent, const char *name);

#endif
