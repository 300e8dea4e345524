from .images import derivatives, picture, process_images, register

__all__ = ["derivatives", "picture", "process_images", "register"]
