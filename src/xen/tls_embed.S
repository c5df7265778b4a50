/*
 * Links the guest's TLS certificate chain and private key (PEM) into the
 * image: a Xen guest has no files to read them from at run time. The build
 * sets UNIHOST_TLS_CERT_PATH and UNIHOST_TLS_KEY_PATH (make xen
 * XEN_TLS_CERT=... XEN_TLS_KEY=...; the development pair by default); empty
 * files embed nothing and the guest serves no HTTPS. The image then holds
 * the private key: keep it as private as the key file itself.
 */
    .section .rodata.unihost_tls, "a"
    .globl unihost_tls_cert
unihost_tls_cert:
    .incbin UNIHOST_TLS_CERT_PATH
    .globl unihost_tls_cert_end
unihost_tls_cert_end:
    .globl unihost_tls_key
unihost_tls_key:
    .incbin UNIHOST_TLS_KEY_PATH
    .globl unihost_tls_key_end
unihost_tls_key_end:
    .section .note.GNU-stack, "", @progbits
