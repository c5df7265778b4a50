/*
 * Links the public key that signs pushed blobs (--manage, docs/xen.md) into
 * the image: a Xen guest has no file to read it from. The build sets
 * UNIHOST_MANAGE_KEY_PATH (make xen MANAGE_PUBKEY=FILE; the development
 * key build/tls/dev-manage-pub.pem by default); an empty file embeds
 * nothing, and the guest then refuses --manage. Only the public half is
 * here: the image holds nothing that could sign.
 */
    .section .rodata.unihost_manage_key, "a"
    .globl unihost_manage_key
unihost_manage_key:
    .incbin UNIHOST_MANAGE_KEY_PATH
    .globl unihost_manage_key_end
unihost_manage_key_end:
    .section .note.GNU-stack, "", @progbits
