/* placeholder until the writer lands */
typedef int dh_postproc_placeholder;
