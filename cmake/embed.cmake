# Turn the file IN into a C header OUT declaring `static const unsigned char NAME[]` and NAME_len.
file(READ ${IN} _hex HEX)
string(LENGTH "${_hex}" _len)
math(EXPR _nbytes "${_len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," _body "${_hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" _body "${_body}")
file(WRITE ${OUT} "/* generated from ${IN}; do not edit */\nstatic const unsigned char ${NAME}[] = {\n${_body}0x00};\nstatic const unsigned long ${NAME}_len = ${_nbytes}UL;\n")
