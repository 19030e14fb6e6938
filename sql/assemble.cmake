# cmake -P sql/assemble.cmake -DOUTPUT=<file> -DLOAD_WITH=<statement> -DPARTS=<a|b|…> -DROOT=<sql dir>
# Writes psql's refusal to run the file outside LOAD_WITH, then each part preceded by a line naming its source, so an
# error in CREATE EXTENSION points back to the small file it came from.
string(REPLACE "|" ";" PARTS "${PARTS}")
file(WRITE ${OUTPUT} "\\echo Use \"${LOAD_WITH}\" to load this file. \\quit\n")
foreach(part IN LISTS PARTS)
  file(RELATIVE_PATH name ${ROOT} ${part})
  file(READ ${part} text)
  file(APPEND ${OUTPUT} "\n-- ${name}\n${text}")
endforeach()
