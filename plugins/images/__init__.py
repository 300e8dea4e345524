from .images import derivatives, image_problem, picture, process_images, register

__all__ = ["derivatives", "image_problem", "picture", "process_images", "register"]
