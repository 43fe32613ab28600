jisr_add_fuzz(align LAYERS text formats align)
jisr_add_fuzz(align_io LAYERS text formats align)
