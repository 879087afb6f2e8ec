/* placeholder until the properties module lands */
typedef int dh_props_placeholder;
