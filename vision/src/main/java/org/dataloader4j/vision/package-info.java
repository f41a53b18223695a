/** Images, decoders, folder datasets and torchvision-style transforms. */
package org.dataloader4j.vision;
