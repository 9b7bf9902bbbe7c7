"""Moving data in and out of the directory in other formats."""
