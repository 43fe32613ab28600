jisr_add_fuzz(lines LAYERS text formats align)
