/*
 * Links the content blob into the image, 8-byte aligned as the reader needs.
 * UNIHOST_BLOB_PATH is set by the build to the blob crunch wrote.
 */
    .section .rodata.unihost_blob, "a"
    .balign 16
    .globl unihost_embedded_blob
unihost_embedded_blob:
    .incbin UNIHOST_BLOB_PATH
    .globl unihost_embedded_blob_end
unihost_embedded_blob_end:
    .section .note.GNU-stack, "", @progbits
