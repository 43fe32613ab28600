jisr_add_fuzz(align LAYERS text formats align)
